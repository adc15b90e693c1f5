"""Control maps from sketches, and the engines that turn a look and its control map into draft images."""
