"""Pattern making from a draft: silhouette, landmarks, points of measure, pieces, grading, marker, DXF/SVG."""
