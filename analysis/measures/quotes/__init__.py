"""Quotations: quotation-mark pairing and attribution (:mod:`.attribution`); the measure (:mod:`.measure`)."""
