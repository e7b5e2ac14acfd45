from .urls_public import urlpatterns as public_patterns
from .urls_work import urlpatterns as work_patterns

app_name = "cases"

# Work pages come last: their "<number>/" pattern would shadow public paths.
urlpatterns = [*public_patterns, *work_patterns]
