"""Ranked retrieval over the knowledge base (the Lucene CJK bigram + BM25F model).

Modules, lowest first: ``text`` (normalisation and tokens) <- ``entries`` (what the index holds
of each record, and the ``Index`` interface) <- ``hits`` (what a search returns) <- ``query``
(reading a query) and ``score`` (ranking) <- ``engine`` (``search`` over any index) and
``suggest`` (did you mean). ``build`` makes the index data; it is the only module that imports
pypinyin and opencc.
"""
