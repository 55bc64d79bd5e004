"""The page layer: views, forms and URLs of every domain app, above the domain (models, rules,
services, selectors). Domain apps never import it (the import contract in .importlinter)."""
