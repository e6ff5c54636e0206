"""The web console and REST API of `ringcheck serve --web` and `ringcheck demo --serve`.

`console.Console` wires what it serves from (project, store, run launcher); `app.create_app`
builds the FastAPI app; `server.WebServer` runs it with uvicorn on a thread of the process.
"""
