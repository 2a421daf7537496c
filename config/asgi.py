import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_asgi_application()

# Import the heavy parts now (the GraphQL schema, the Anthropic SDK, the SQL parser) rather
# than in the first request of each worker process.
import config.schema  # noqa: E402, F401
import hexa.assistant.agent  # noqa: E402, F401
import hexa.assistant.executors.sql_guard  # noqa: E402, F401
