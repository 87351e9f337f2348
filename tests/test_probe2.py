from .support import sample

def test_probe(client):
    body = sample("hulu-sungai-selatan", "laporan-pelaksanaan-tugas")
    a = client.post("/api/v1/surat/laporan-pelaksanaan-tugas", json=body)
    print(a.status_code)
    b = client.post("/api/v1/surat/laporan-pelaksanaan-tugas", json=body)
    print(b.status_code, b.get_json())
    r = client.get(f"/api/v1/surat/{a.get_json()['id']}/rantai")
    print(r.status_code)
