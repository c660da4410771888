"""Kestrel Pay help-center articles, one Markdown file each; read them with tandem.demo.help_center."""
