from ninja import NinjaAPI

api = NinjaAPI(title="bphub API", version="1", urls_namespace="api")
