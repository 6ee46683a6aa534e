def test_it_offers_the_cramp_now_guide_without_an_account(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert b'href="/cramp-now/"' in response.content


def test_the_menu_is_a_details_element_that_opens_without_javascript(client, db):
    page = client.get("/").content.decode()
    assert '<details class="nav-menu' in page and "<summary" in page
    assert 'data-bs-toggle="collapse"' not in page


def test_the_menu_and_profile_link_reminder_settings_and_the_api_docs(owner_client):
    assert 'href="/reminders/settings/"' in owner_client.get("/today/").content.decode()
    profile = owner_client.get("/profile/").content.decode()
    assert 'href="/reminders/settings/"' in profile
    assert 'href="/api/docs/"' in profile


def test_the_prevention_tips_link_the_stretch_and_warm_up_pages(client, db):
    page = client.get("/prevention/").content.decode()
    for slug in ("bedtime-routine", "calf-stretch", "hamstring-stretch", "quadriceps-stretch"):
        assert f'href="/techniques/{slug}/"' in page
    assert 'href="/techniques/warm-up/"' in page


def test_the_theme_script_loads_from_a_static_file_before_the_page_paints(client, db):
    page = client.get("/").content.decode()
    head = page.split("</head>")[0]
    assert 'cramps/js/theme.js"></script>' in head  # not deferred: no flash
    assert "<script>" not in page  # no inline script (CSP)
