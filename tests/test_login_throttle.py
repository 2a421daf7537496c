"""Login throttling per account and per client address, counted in the database
(hexa/user_management/throttle.py)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from config.schema import MUTATION_LIMITS
from hexa.user_management import schema as identity
from hexa.user_management import throttle
from hexa.user_management.models import LoginFailure

LOGIN = "mutation($input: LoginInput!) { login(input: $input) { success errors retryAfter me { user { email } } } }"
ME = "{ me { user { email } } }"
PASSWORD = "correct horse battery"


def attempt(gql, email, password="wrong", address="192.0.2.10", **headers):
    """A login over HTTP, from `address` (REMOTE_ADDR)."""
    extra = {"REMOTE_ADDR": address, **headers}
    response = gql.client.post(
        "/graphql/", {"query": LOGIN, "variables": {"input": {"email": email, "password": password}}}, content_type="application/json", **extra
    )
    assert response.status_code == 200, response.content
    return response.json()["data"]["login"]


@pytest.fixture
def ada(make_user):
    return make_user("ada@example.org", PASSWORD)


@pytest.fixture
def password_checks(monkeypatch):
    """How many times a password was actually checked."""
    calls = []
    real = identity.authenticate

    def counting(request, **credentials):
        calls.append(credentials["email"])
        return real(request, **credentials)

    monkeypatch.setattr(identity, "authenticate", counting)
    return calls


class TestPerAccount:
    def test_five_failures_then_refused_even_with_the_right_password_unchecked(self, gql, ada, password_checks, settings):
        assert settings.LOGIN_MAX_FAILURES_PER_ACCOUNT == 5
        for _ in range(5):
            assert attempt(gql, "ada@example.org") == {"success": False, "errors": ["INVALID_CREDENTIALS"], "retryAfter": None, "me": None}
        refused = attempt(gql, "ada@example.org", PASSWORD)
        assert refused["success"] is False and refused["errors"] == ["TOO_MANY_ATTEMPTS"] and refused["me"] is None
        assert 890 <= refused["retryAfter"] <= 900
        assert len(password_checks) == 5  # the sixth was not checked
        assert gql(ME)["data"]["me"]["user"] is None

    def test_the_email_is_the_account_whatever_its_case_and_spaces(self, gql, ada):
        for email in ("ada@example.org", "ADA@example.org", " Ada@Example.org ", "ada@EXAMPLE.ORG", "ada@example.org"):
            attempt(gql, email)
        assert attempt(gql, "ada@example.org", PASSWORD)["errors"] == ["TOO_MANY_ATTEMPTS"]

    def test_unknown_accounts_are_throttled_the_same_way(self, gql):
        for _ in range(5):
            assert attempt(gql, "nobody@example.org")["errors"] == ["INVALID_CREDENTIALS"]
        assert attempt(gql, "nobody@example.org")["errors"] == ["TOO_MANY_ATTEMPTS"]

    def test_the_wait_ends_when_the_oldest_failure_leaves_the_window(self, gql, ada):
        for _ in range(5):
            attempt(gql, "ada@example.org")
        oldest = LoginFailure.objects.filter(scope="ACCOUNT").order_by("created_at").first()
        LoginFailure.objects.filter(pk=oldest.pk).update(created_at=timezone.now() - timedelta(seconds=901))
        assert attempt(gql, "ada@example.org", PASSWORD)["success"] is True

    def test_retry_after_counts_down_and_refused_attempts_do_not_extend_it(self, gql, ada):
        for _ in range(5):
            attempt(gql, "ada@example.org")
        LoginFailure.objects.filter(scope="ACCOUNT").update(created_at=timezone.now() - timedelta(seconds=600))
        first = attempt(gql, "ada@example.org")["retryAfter"]
        assert 290 <= first <= 300
        for _ in range(10):
            assert attempt(gql, "ada@example.org")["retryAfter"] <= first
        assert LoginFailure.objects.filter(scope="ACCOUNT").count() == 5  # refused ones are not recorded

    def test_a_success_clears_the_accounts_failures(self, gql, ada, make_user):
        for _ in range(4):
            attempt(gql, "ada@example.org")
        assert attempt(gql, "ada@example.org", PASSWORD)["success"] is True
        assert not LoginFailure.objects.filter(scope="ACCOUNT", key=throttle.account_key("ada@example.org")).exists()
        for _ in range(5):
            assert attempt(gql, "ada@example.org")["errors"] == ["INVALID_CREDENTIALS"]
        assert attempt(gql, "ada@example.org")["errors"] == ["TOO_MANY_ATTEMPTS"]

    def test_one_accounts_failures_do_not_lock_another(self, gql, ada, make_user):
        make_user("grace@example.org", PASSWORD)
        for _ in range(5):
            attempt(gql, "ada@example.org")
        assert attempt(gql, "grace@example.org", PASSWORD)["success"] is True

    def test_the_typed_email_is_not_stored(self, gql):
        attempt(gql, "my-password-typed-here-by-mistake")
        keys = set(LoginFailure.objects.values_list("key", flat=True))
        assert not any("my-password" in key for key in keys)
        assert throttle.account_key("my-password-typed-here-by-mistake") in keys


class TestPerAddress:
    def test_twenty_failures_from_one_address_across_accounts(self, gql, ada, password_checks, settings):
        assert settings.LOGIN_MAX_FAILURES_PER_ADDRESS == 20
        for n in range(20):
            assert attempt(gql, f"spray{n}@example.org", address="203.0.113.7")["errors"] == ["INVALID_CREDENTIALS"]
        refused = attempt(gql, "ada@example.org", PASSWORD, address="203.0.113.7")
        assert refused["errors"] == ["TOO_MANY_ATTEMPTS"] and 890 <= refused["retryAfter"] <= 900
        assert len(password_checks) == 20
        assert attempt(gql, "ada@example.org", PASSWORD, address="198.51.100.1")["success"] is True

    def test_a_success_does_not_clear_the_addresss_failures(self, gql, ada):
        for n in range(19):
            attempt(gql, f"spray{n}@example.org", address="203.0.113.7")
        assert attempt(gql, "ada@example.org", PASSWORD, address="203.0.113.7")["success"] is True
        assert attempt(gql, "spray-last@example.org", address="203.0.113.7")["errors"] == ["INVALID_CREDENTIALS"]
        assert attempt(gql, "spray-more@example.org", address="203.0.113.7")["errors"] == ["TOO_MANY_ATTEMPTS"]

    def test_a_loopback_address_is_not_counted_but_the_account_still_is(self, gql, ada):
        """The page's server proxies from 127.0.0.1 without the browser's address: counting
        that address would let 20 failures from anyone lock every user out."""
        for n in range(25):
            assert attempt(gql, f"spray{n}@example.org", address="127.0.0.1")["errors"] == ["INVALID_CREDENTIALS"]
        assert not LoginFailure.objects.filter(scope="ADDRESS").exists()
        assert attempt(gql, "ada@example.org", PASSWORD, address="127.0.0.1")["success"] is True
        for _ in range(5):
            attempt(gql, "ada@example.org", address="127.0.0.1")
        assert attempt(gql, "ada@example.org", PASSWORD, address="127.0.0.1")["errors"] == ["TOO_MANY_ATTEMPTS"]

    def test_x_forwarded_for_is_ignored_by_default(self, gql, settings):
        assert settings.NUM_PROXIES == 0
        for n in range(20):
            attempt(gql, f"spray{n}@example.org", address="203.0.113.7", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
        assert attempt(gql, "x@example.org", address="203.0.113.7", HTTP_X_FORWARDED_FOR="10.0.0.99")["errors"] == ["TOO_MANY_ATTEMPTS"]

    def test_behind_a_proxy_the_address_it_appended_counts_not_what_the_client_sent(self, gql, settings):
        settings.NUM_PROXIES = 1
        for n in range(20):
            # the client forges a new address each time; the proxy appends the real one
            attempt(gql, f"spray{n}@example.org", address="10.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7")
        assert attempt(gql, "x@example.org", address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")["errors"] == ["TOO_MANY_ATTEMPTS"]
        assert attempt(gql, "x@example.org", address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8")["errors"] == ["INVALID_CREDENTIALS"]


class TestClientAddress:
    @pytest.mark.parametrize(
        "remote,forwarded,proxies,expected",
        [
            ("203.0.113.7", None, 0, "203.0.113.7"),
            ("203.0.113.7", "1.2.3.4", 0, "203.0.113.7"),
            ("10.0.0.1", "1.2.3.4, 203.0.113.7", 1, "203.0.113.7"),
            ("10.0.0.1", "1.2.3.4, 203.0.113.7, 10.0.0.2", 2, "203.0.113.7"),
            ("10.0.0.1", "203.0.113.7", 2, "203.0.113.7"),  # fewer entries than proxies: the leftmost
            ("10.0.0.1", None, 1, "10.0.0.1"),  # no header: the connection's address
            ("2001:db8:1:2:3:4:5:6", None, 0, "2001:db8:1:2::/64"),  # an IPv6 client is its /64
            ("2001:db8:1:2:ffff::1", None, 0, "2001:db8:1:2::/64"),
            ("::ffff:203.0.113.7", None, 0, "203.0.113.7"),
            ("", None, 0, None),  # no address: not counted per address
            ("127.0.0.1", None, 0, None),  # a proxy on this machine that did not say who
            ("::1", None, 0, None),
            ("::ffff:127.0.0.1", None, 0, None),
            ("10.0.0.1", "127.0.0.1", 1, None),
        ],
    )
    def test_addresses(self, settings, remote, forwarded, proxies, expected):
        settings.NUM_PROXIES = proxies
        meta = {"REMOTE_ADDR": remote, **({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {})}
        assert throttle.client_address(RequestFactory().post("/graphql/", **meta)) == expected

    def test_something_that_is_not_an_address_is_counted_as_text_not_stored(self, settings):
        settings.NUM_PROXIES = 1
        address = throttle.client_address(RequestFactory().post("/graphql/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="nonsense\x00"))
        assert address.startswith("text:") and "nonsense" not in address and len(address) <= 64


class TestAliasesAndRequests:
    def test_two_logins_in_one_request_are_refused_before_any_attempt(self, gql, ada):
        query = 'mutation { a: login(input: {email: "ada@example.org", password: "x"}) { success } b: login(input: {email: "ada@example.org", password: "y"}) { success } }'
        result = gql(query)
        assert "data" not in result and result["errors"][0]["extensions"]["code"] == "TOO_MANY_MUTATIONS"
        assert not LoginFailure.objects.exists()

    def test_were_aliases_allowed_each_would_count_as_an_attempt(self, gql, ada, monkeypatch, password_checks):
        monkeypatch.setitem(MUTATION_LIMITS, "login", 10)
        query = "mutation { " + " ".join(f'a{n}: login(input: {{email: "ada@example.org", password: "guess{n}"}}) {{ errors retryAfter }}' for n in range(6)) + " }"
        result = gql(query)["data"]
        assert [result[f"a{n}"]["errors"] for n in range(6)] == [["INVALID_CREDENTIALS"]] * 5 + [["TOO_MANY_ATTEMPTS"]]
        assert result["a5"]["retryAfter"] > 0 and len(password_checks) == 5


class TestConcurrency:
    def test_attempts_at_the_same_time_cannot_all_pass_the_limit(self, transactional_db):
        """Ten attempts at once on one account, each on its own database connection (as
        from several server processes): exactly five are let through."""
        barrier, outcomes = threading.Barrier(10), []

        def try_once():
            barrier.wait()
            try:
                throttle.start_attempt("ada@example.org", "203.0.113.7")
                outcomes.append("checked")
            except throttle.Throttled:
                outcomes.append("throttled")
            finally:
                connection.close()

        threads = [threading.Thread(target=try_once) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(outcomes) == ["checked"] * 5 + ["throttled"] * 5


class TestBadInput:
    @pytest.mark.parametrize(
        "email,password",
        [("ada\x00@example.org", PASSWORD), ("ada\ud800@example.org", PASSWORD), ("ada@example.org", "pass\ud800word")],
    )
    def test_unstorable_text_is_a_failed_login_not_a_driver_error(self, gql, ada, email, password):
        assert attempt(gql, email, password) == {"success": False, "errors": ["INVALID_CREDENTIALS"], "retryAfter": None, "me": None}
        assert LoginFailure.objects.filter(scope="ADDRESS").count() == 1  # it counted

    def test_a_nul_in_a_password_is_only_a_wrong_password(self, gql, ada):
        assert attempt(gql, "ada@example.org", PASSWORD + "\x00")["errors"] == ["INVALID_CREDENTIALS"]


class TestSettings:
    def test_zero_turns_a_limit_off(self, gql, ada, settings):
        settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 0
        for _ in range(8):
            assert attempt(gql, "ada@example.org")["errors"] == ["INVALID_CREDENTIALS"]
        assert not LoginFailure.objects.filter(scope="ACCOUNT").exists()
        assert LoginFailure.objects.filter(scope="ADDRESS").count() == 8  # the address is still counted
        settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 0
        for _ in range(20):
            attempt(gql, "ada@example.org")
        assert attempt(gql, "ada@example.org", PASSWORD)["success"] is True
        assert LoginFailure.objects.count() == 8  # nothing more recorded

    def test_window_and_limits_come_from_settings(self, gql, ada, settings):
        settings.LOGIN_MAX_FAILURES_PER_ACCOUNT, settings.LOGIN_FAILURE_WINDOW_S = 2, 60
        attempt(gql, "ada@example.org")
        attempt(gql, "ada@example.org")
        refused = attempt(gql, "ada@example.org", PASSWORD)
        assert refused["errors"] == ["TOO_MANY_ATTEMPTS"] and 55 <= refused["retryAfter"] <= 60

    def test_expired_failures_are_deleted(self, gql, ada):
        LoginFailure.objects.create(scope="ADDRESS", key="198.51.100.1", created_at=timezone.now() - timedelta(hours=2))
        attempt(gql, "ada@example.org")
        assert not LoginFailure.objects.filter(key="198.51.100.1").exists()
        assert LoginFailure.objects.count() == 2  # this attempt's two rows
