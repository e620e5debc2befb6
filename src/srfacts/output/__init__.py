"""What a person or a script sees: terminal-safe text, formats (JSON, CSV, TSV, Markdown), tables,
record views, charts and answers. It returns text; it never prints.
"""
