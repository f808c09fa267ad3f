"""What the server keeps across reloads and restarts, in one database.

SQLite in the data folder by default, PostgreSQL when MNIST_DATABASE_URL names
one (replicas). Plain Python and SQLAlchemy Core: no Streamlit, no TensorFlow.
"""
