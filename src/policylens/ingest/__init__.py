"""Bringing plans in: ``policylens add`` (readers for .txt/.html/.pdf/.docx, metadata inference, duplicates)
and ``policylens check`` (every manifest problem at once).

* :mod:`policylens.ingest.formats` — text out of the original file, with a map back to it;
* :mod:`policylens.ingest.infer` — manifest fields inferred with status and evidence;
* :mod:`policylens.ingest.add` — duplicates, the copy into ``data/raw/`` and the manifest row;
* :mod:`policylens.ingest.commands` — the two subcommands (registered in :mod:`policylens.cli`).
"""
