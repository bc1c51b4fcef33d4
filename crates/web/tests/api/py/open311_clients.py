"""Drives a zhenggai Open311 endpoint with two real clients from PyPI: georeport (read-only, in
json and in xml) and civicbot's Open311 client (json, with a POST carrying attributes, its rate
limiter at 0). Any failure raises. Prints one JSON line of what the clients saw.

Usage: python open311_clients.py BASE_URL API_KEY SERVICE_CODE PUBLISHED_ID
"""
import json
import sys

from civicbot.http import HttpTransport, RateLimiter
from civicbot.open311 import Open311Client
from civicbot.registry import Endpoint
from georeport import GeoReport


def as_list(x):
    """xmltodict reads one element as a dict and several as a list."""
    return x if isinstance(x, list) else [x]


base, key, code, published = sys.argv[1:5]
seen = {}

for fmt in ("json", "xml"):
    gr = GeoReport(base, api_key=key, output_format=fmt)
    services = as_list(gr.get_service_list())
    seen[f"georeport_{fmt}_services"] = [s["service_code"] for s in services]
    definition = gr.get_service_definition(code)
    attributes = definition["attributes"]
    if fmt == "xml":
        attributes = as_list(attributes["attribute"])
    seen[f"georeport_{fmt}_attributes"] = [a["code"] for a in attributes]
    listed = as_list(gr.get_service_requests(status="open"))
    seen[f"georeport_{fmt}_open"] = [r["service_request_id"] for r in listed]
    by_id = as_list(gr.get_service_requests(service_request_id=published))
    seen[f"georeport_{fmt}_by_id"] = [r["service_request_id"] for r in by_id]
    one = gr.get_service_request(published)
    seen[f"georeport_{fmt}_one"] = one["service_request_id"]

endpoint = Endpoint(id="zhenggai-test", name="整改台账", base_url=base, write=True)
client = Open311Client(endpoint, transport=HttpTransport(rate_limiter=RateLimiter(min_interval=0)))
seen["civicbot_services"] = [s["service_code"] for s in client.list_services()]
seen["civicbot_attributes"] = [a["code"] for a in client.get_service_definition(code)["attributes"]]
seen["civicbot_open"] = [r["service_request_id"] for r in client.list_requests(status="open", page_size=50)]
seen["civicbot_one"] = client.get_request(published)["service_request_id"]
sent = client.create_request(
    code,
    dry_run=False,
    confirm="SEND",
    api_key=key,
    validate_remote=True,
    lat=30.27,
    lng=120.15,
    address_string="和平路12号",
    description="和平路12号门前的路灯坏了好几个月，晚上很黑",
    attributes={"lamp": "street", "faults": ["dark", "flicker"]},
    email="resident@example.org",
    first_name="张",
    last_name="三",
)
posted = sent.response[0]["service_request_id"]
seen["civicbot_posted"] = posted
seen["civicbot_posted_read"] = client.get_request(posted)["service_request_id"]
seen["civicbot_token"] = client.get_token(posted)[0]["service_request_id"]
print(json.dumps(seen, ensure_ascii=False))
