"""Reading knowledge files: finding and reading them safely, the strict YAML reader, building and
checking the knowledge base, its JSON Schema, and fidelity to the source text. In an installed
wheel the bundled knowledge file sits here too.
"""
