"""Demo and generated data of the ledger: county 1's believable ledger (ledger.py), the province
ledger generator (generate.py) and the words both use (texts.py). Registered in registrations.py."""
