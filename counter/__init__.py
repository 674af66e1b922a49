"""The staff counter app: call, serve and scan tickets at one counter.

`controller` holds what happens (no Kivy), `code_framer`/`serial_scanner`/`keyboard_wedge` turn
scanner input into ticket codes, `app` and `counter.kv` are the Kivy screen, `main` the command.
"""
