"""Verified queries: a question with the query that answered it, checked by the workspace's
editors or admins. models, store (save, edit, remove, with their history), search (the
ones relevant to a new question, by PostgreSQL full-text search), note (how they are given
to the model: in the user's turn, so that the cached prompt prefix stays the same), graphql.
"""
