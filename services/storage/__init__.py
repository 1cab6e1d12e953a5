"""Storage: the ORM tables, opening the database, bringing its schema up to date, the totals and indexes the
database keeps, SQL time helpers, seeks to a rank and the unit of work. Storage never imports a use case."""
