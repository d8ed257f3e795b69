"""One module per CLI command; `compiler.cli` registers them."""
