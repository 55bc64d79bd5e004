"""Small helpers shared by the domain apps (national and enterprise numbers, uploaded files). It
imports no app of the project: the lowest layer of the import contract (.importlinter)."""
