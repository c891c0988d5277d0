"""Turns policy documents into clause-level passages and a self-describing BM25 index."""
