"""The compiled cache of a knowledge file: its folder and file names, the record codec, the
compiled file (an index the search engine reads), and the loader that reads the cache or compiles it.
"""
