"""Policies without a server: each school's own documents and index (sent by DM, fetched from
its website), built once under the data directory, versioned in the database, and loaded by
every worker on first use (:mod:`library`, :mod:`answers`, :mod:`sources`)."""
