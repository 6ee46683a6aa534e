def test_it_offers_the_cramp_now_guide_without_an_account(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert b'href="/cramp-now/"' in response.content
