"""The tech pack: the document a factory receives, assembled from the database and rendered with reportlab."""
