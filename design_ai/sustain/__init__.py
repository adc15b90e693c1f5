"""Materials, fabric consumption and carbon: every factor with its published source."""
