"""Feed generators shared by the blog, discussion and podcast feeds."""
