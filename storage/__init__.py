"""The catalogue database: SQLAlchemy models, migrations and the queries over them."""
