from hexa.assistant.local_model import ScriptedResponder


class Switchboard:
    """One model server for a test module; each test scripts its own replies."""

    def __init__(self):
        self.responder = ScriptedResponder([])
        self.requests = 0

    def __call__(self, body):
        self.requests += 1
        return self.responder(body)

    def script(self, *replies):
        self.responder = ScriptedResponder(list(replies))
        self.requests = 0
