"""Server-rendered pages of the console, in the weekly report's look."""
