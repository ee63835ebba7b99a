"""Regenerate the shipped training data: ``python -m policylens.taxonomy``."""
from policylens.taxonomy.coder import write_training_data

print(write_training_data())
