"""My data without the e-ID: a one-time password by e-mail, to the address the
sector data holds for the number (never one typed), short-lived, single-use,
throttled, and the same answer whether or not the number is known; against the
real source database, DataStore, PostgreSQL, Redis and SMTP server."""
from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers
from ckan.lib import jobs as ckan_jobs
from ckan.lib.redis import connect_to_redis

from ckanext.molisa import subjects as subject_keys
from ckanext.molisa_harvest import otp, sector_sources
from ckanext.molisa_harvest.subjects import subject_table

CODE = re.compile(r"\b([0-9]{6})\b")
CHALLENGE = re.compile(r'name="challenge" value="([^"]+)"')
SENT = re.compile(r'id="mydata-otp-sent">(.*?)</p>', re.S)
SENT_TO = re.compile(r'name="sent_to" value="[^"]*"')
#: the request's CSRF token (in the page's head and its forms)
CSRF = re.compile(r'(<[^>]*csrf[^>]*?)(?:content|value)="[^"]*"')


@pytest.fixture(autouse=True)
def fresh_throttles():
    """This site's codes, sessions and throttle counters go before each test
    (they would otherwise outlive it by their window)."""
    conn = connect_to_redis()
    pattern = f"{tk.config.get('ckan.site_id')}:molisa_mydata_otp:*"
    for key in conn.scan_iter(pattern):
        conn.delete(key)
    yield


@pytest.fixture
def harvested(source, sector_db):
    sector_sources.run_source(source)
    sector_db.source_id = source
    return sector_db


def _people(sector_db):
    """(number, address, ids of their rows) of the learners with an address,
    and the numbers of those without one."""
    engine = sa.create_engine(sector_db.owner_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            f"SELECT so_cccd, email, id FROM {sector_db.schema}.hoc_vien_gdnn ORDER BY id")).all()
    engine.dispose()
    with_mail, without = {}, []
    for pid, email, row_id in rows:
        if email:
            with_mail.setdefault(pid.strip(), (email, []))[1].append(row_id)
        else:
            without.append(pid.strip())
    return [(pid, email, ids) for pid, (email, ids) in with_mail.items()], without


@pytest.fixture(autouse=True)
def _empty_queue():
    ckan_jobs.get_queue().empty()
    yield
    ckan_jobs.get_queue().empty()


def _delivered(mailbox, count: int):
    """The codes' mail goes out in background jobs: a real RQ worker runs
    them (as the worker that make run starts), then the server has them."""
    ckan_jobs.Worker([ckan_jobs.DEFAULT_QUEUE_NAME]).work(burst=True)
    return mailbox.wait_for(count)


def _code(message) -> str:
    return CODE.search(message["Subject"]).group(1)


def _ask(pid, **extra):
    return helpers.call_action("molisa_mydata_otp_request", context={"user": ""}, pid=pid,
                               **extra)


def _verify(challenge, code):
    return helpers.call_action("molisa_mydata_otp_verify", context={"user": ""},
                               challenge=challenge, code=code)


@pytest.mark.req("R17.2")
def test_a_code_by_mail_opens_my_data(app, harvested, mailbox):
    (pid, address, row_ids), *_ = _people(harvested)[0]
    page = app.post("/my-data/otp", data={"pid": pid, "email": "attacker@example.org"})
    assert page.status_code == 200 and "no-store" in page.headers["Cache-Control"]
    masked = otp.mask(address)
    assert masked in SENT.search(page.body).group(1) and address not in page.body
    assert masked.startswith(address[0] + "***@")
    (message,) = _delivered(mailbox, 1)
    # only to the address the sector data holds, never to one typed
    assert [list(r.rcpt_tos) for r in mailbox.received] == [[address]]
    code = _code(message)
    assert code in message.get_body().get_content()
    challenge = CHALLENGE.search(page.body).group(1)

    opened = app.post("/my-data/otp/verify", data={"challenge": challenge, "code": code},
                      follow_redirects=False)
    assert opened.status_code in (302, 303)
    cookie = opened.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "molisa_mydata_otp=" in cookie
    records = app.get("/my-data/records.json")
    assert records.status_code == 200
    body = json.loads(records.body)
    assert sorted(r["id"] for d in body["datasets"] for r in d["records"]) == sorted(row_ids)
    assert {r["so_cccd"].strip() for d in body["datasets"] for r in d["records"]} == {pid}
    shown = app.get("/my-data/")
    assert shown.status_code == 200 and "mydata-otp-end" in shown.body

    # the session ends: the page sends the person back to ask for a code
    app.post("/my-data/otp/end")
    again = app.get("/my-data/", follow_redirects=False)
    assert again.status_code in (302, 303)
    assert helpers.call_action("molisa_mydata_otp_end", context={"user": ""}) == {
        "ended": False}


@pytest.mark.req("R17.2")
def test_the_session_is_the_only_way_in(harvested, mailbox):
    (pid, _, row_ids), (other_pid, _, _) = _people(harvested)[0][:2]
    sent = _ask(pid)
    session = _verify(sent["challenge"], _code(_delivered(mailbox, 1)[0]))
    context = {"user": "", "molisa_mydata_otp_session": session["session"]}
    result = helpers.call_action("molisa_mydata_records", context=dict(context),
                                 pid=other_pid)   # a parameter changes nothing
    assert sorted(r["id"] for d in result["datasets"] for r in d["records"]) == sorted(row_ids)
    # a session token that is not one, or none: refused
    for token in ("x" * 43, "", None):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("molisa_mydata_records",
                                context={"user": "", "molisa_mydata_otp_session": token})


@pytest.mark.req("R17.2")
def test_a_reused_an_expired_and_a_guessed_code_are_refused(harvested, mailbox):
    people, _ = _people(harvested)
    (pid_a, _, _), (pid_b, _, _), (pid_c, _, _) = people[:3]

    # reused: it works once
    sent = _ask(pid_a)
    code = _code(_delivered(mailbox, 1)[0])
    assert _verify(sent["challenge"], code)["session"]
    with pytest.raises(tk.ValidationError) as refused:
        _verify(sent["challenge"], code)
    assert "code" in refused.value.error_dict

    # expired: the code lives in Redis for the configured time, then is gone
    mailbox.clear()
    sent = _ask(pid_b)
    code = _code(_delivered(mailbox, 1)[0])
    conn = connect_to_redis()
    key = otp._key("c", sent["challenge"])
    ttl = conn.ttl(key)
    assert 0 < ttl <= tk.config.get(otp.CODE_MINUTES) * 60 == sent["expires_in"]
    assert conn.expire(key, 0)   # its time is up
    with pytest.raises(tk.ValidationError):
        _verify(sent["challenge"], code)

    # guessed: wrong codes count; past the limit even the right one is refused
    mailbox.clear()
    sent = _ask(pid_c)
    code = _code(_delivered(mailbox, 1)[0])
    wrong = [f"{(int(code) + n) % 10**6:06d}" for n in range(1, 1 + tk.config.get(otp.ATTEMPTS))]
    for guess in wrong:
        with pytest.raises(tk.ValidationError):
            _verify(sent["challenge"], guess)
    with pytest.raises(tk.ValidationError):
        _verify(sent["challenge"], code)
    # a made-up challenge and malformed input: field errors, never a session
    with pytest.raises(tk.ValidationError):
        _verify("A" * 32, code)
    for bad in ({"pid": "12345"}, {"pid": "0790 1234 5678 9"}, {"pid": ["079012345678"]}, {}):
        with pytest.raises(tk.ValidationError) as invalid:
            helpers.call_action("molisa_mydata_otp_request", context={"user": ""}, **bad)
        assert "pid" in invalid.value.error_dict


@pytest.mark.req("R17.2")
@pytest.mark.ckan_config("ckanext.molisa_harvest.otp_per_number", "2")
@pytest.mark.ckan_config("ckanext.molisa_harvest.otp_per_ip", "4")
def test_the_throttle_holds(app, harvested, mailbox):
    people, without = _people(harvested)
    (pid, address, _) = people[0]
    for _ in range(2):
        assert app.post("/my-data/otp", data={"pid": pid}).status_code == 200
    _delivered(mailbox, 2)
    throttled = app.post("/my-data/otp", data={"pid": pid})
    assert throttled.status_code == 400 and 'id="mydata-otp-error"' in throttled.body
    assert len(mailbox.to(address)) == 2
    # per address: other numbers from the same client, up to its limit
    assert app.post("/my-data/otp", data={"pid": people[1][0]}).status_code == 200
    assert app.post("/my-data/otp", data={"pid": without[0]}).status_code == 400
    # another client is not held back
    other = app.post("/my-data/otp", data={"pid": people[2][0]},
                     environ_base={"REMOTE_ADDR": "192.0.2.44"})
    assert other.status_code == 200
    _delivered(mailbox, 4)
    assert len(mailbox) == 4
    # the API answers the same, with the field's message
    with pytest.raises(tk.ValidationError):
        for _ in range(3):
            _ask(people[3][0])


@pytest.mark.req("R17.2")
def test_an_unknown_number_gives_the_same_page_and_no_mail(app, harvested, mailbox):
    people, without = _people(harvested)
    known = app.post("/my-data/otp", data={"pid": people[0][0]})
    _delivered(mailbox, 1)
    mailbox.clear()
    for pid in ("079999999999", without[0]):   # not in the data; in it, without an address
        unknown = app.post("/my-data/otp", data={"pid": pid})
        assert unknown.status_code == 200
        ckan_jobs.Worker([ckan_jobs.DEFAULT_QUEUE_NAME]).work(burst=True)
        assert len(mailbox) == 0
        masked = SENT.search(unknown.body).group(1)
        assert re.search(r"[a-z]\*\*\*@[a-z.]+", masked)
        # the same page but for the challenge and the masked address
        strip = lambda body: CSRF.sub(r"\1", SENT_TO.sub("", SENT.sub("", CHALLENGE.sub(  # noqa: E731
            "", body))))
        assert strip(unknown.body) == strip(known.body)
        # the same masked address each time, and no code opens anything
        again = app.post("/my-data/otp", data={"pid": pid})
        assert SENT.search(again.body).group(1) == masked
        for code in ("000000", "123456"):
            refused = app.post("/my-data/otp/verify", data={
                "challenge": CHALLENGE.search(unknown.body).group(1), "code": code})
            assert refused.status_code == 400 and "molisa_mydata_otp=" not in str(
                refused.headers.get("Set-Cookie"))
    assert len(mailbox) == 0


@pytest.mark.req("R17.2", "R4.3")
def test_the_address_is_kept_sealed(harvested):
    people, without = _people(harvested)
    (pid, address, row_ids), (other_pid, _, _) = people[:2]
    from ckan import model
    stored = model.Session.execute(
        sa.select(subject_table.c.contact, subject_table.c.subject_hash)).all()
    sealed = [c for c, _ in stored if c]
    assert len(sealed) == sum(len(ids) for _, _, ids in people)
    assert not any("@" in c or "example.vn" in c for c in sealed)
    mine = [c for c, h in stored if h == subject_keys.subject_hash(pid) and c]
    assert mine and subject_keys.open_contact(pid, mine[0]) == address
    assert subject_keys.open_contact(other_pid, mine[0]) is None
    assert not [c for c, h in stored if h == subject_keys.subject_hash(without[0]) and c]
    assert otp.address_of(pid) == address and otp.address_of(without[0]) is None


@pytest.mark.req("R17.2")
def test_the_links_to_my_data(app, harvested):
    import ckan.tests.factories as factories
    from ckanext.molisa_identity import accounts
    login = app.get("/user/login")
    assert 'id="molisa-mydata-otp"' in login.body and "/my-data/otp" in login.body
    assert "mật khẩu dùng một lần" in login.body
    english = app.get("/en/user/login")
    assert "one-time password" in english.body
    assert 'id="molisa-mydata-link"' not in app.get("/").body
    citizen, _ = accounts.user_for_claims({"pid": _people(harvested)[0][0][0], "name": "An",
                                           "sub": "x-1"})
    from ckan import model
    model.Session.commit()   # as the log-in's request does
    official = factories.User()
    for user, shown in ((citizen.name, True), (official["name"], False)):
        token = helpers.call_action("api_token_create", context={"user": user}, user=user,
                                    name="t")["token"]
        page = app.get("/", headers={"Authorization": token})
        assert "account avatar authed" in page.body
        assert ('id="molisa-mydata-link"' in page.body) is shown
    # the form itself, in both languages
    form = app.get("/my-data/otp")
    assert form.status_code == 200 and 'name="pid"' in form.body
    assert "Số định danh cá nhân (12 chữ số)" in form.body
    assert "Personal identification number (12 digits)" in app.get("/en/my-data/otp").body


@pytest.mark.req("R17.2")
def test_the_mail_leaves_the_request_for_a_known_and_an_unknown_number_alike(
        app, harvested, mailbox):
    """The request enqueues one job whether or not the number is known (no
    timing oracle: nothing talks to the SMTP server during the request);
    the worker sends the known number's code and nothing for the other."""
    people, _ = _people(harvested)
    (pid, address, _), *_ = people
    queue = ckan_jobs.get_queue()
    queue.empty()   # the harvest's own jobs (quality checks)
    assert app.post("/my-data/otp", data={"pid": pid}).status_code == 200
    assert app.post("/my-data/otp", data={"pid": "079999999999"}).status_code == 200
    assert len(mailbox) == 0
    jobs = [j for j in queue.jobs if j.func_name.endswith("otp.send_code_job")]
    assert len(queue.jobs) == 2
    assert [j.func_name for j in jobs] == ["ckanext.molisa_harvest.otp.send_code_job"] * 2
    assert jobs[0].args[0] == address and jobs[1].args[:2] == [None, None]
    (message,) = _delivered(mailbox, 1)
    assert [list(r.rcpt_tos) for r in mailbox.received] == [[address]]
    assert _code(message) in message.get_body().get_content()
    # done jobs are not kept (their arguments held the code)
    assert all(ckan_jobs.get_queue().fetch_job(j.id) is None for j in jobs)
