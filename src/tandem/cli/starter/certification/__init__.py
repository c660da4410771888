"""Files `tandem init` writes (package data)."""
