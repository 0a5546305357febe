import json


def test_healthz_reports_database_and_task_queue(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["task_queue"] == "ok"


def test_healthz_answers_503_when_the_database_is_unreachable(client, db, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise OSError("connection refused")

    monkeypatch.setattr("bphub.core.views.connection", Unreachable())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["status"] == "unavailable"


def test_healthz_counts_the_live_task_workers(client, db):
    from bphub.core.worker import heartbeat_beat

    assert json.loads(client.get("/healthz").content)["checks"]["workers_alive"] == 0
    heartbeat_beat(worker_id="health-test-worker")
    assert json.loads(client.get("/healthz").content)["checks"]["workers_alive"] == 1
