"""Quality measurements against the gold data, one submodule per stage.

Run ``python -m policylens.evaluate STAGE`` with STAGE one of
``structure``, ``taxonomy``, ``targets``, ``topics``; each prints its figures.
"""
STAGES = ("structure", "taxonomy", "targets", "topics", "alignment")
