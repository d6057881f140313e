"""Model code documented by the example site with ```cnn source="..." blocks (read, never imported)."""
