"""ckanext-molisa's actions: code lists and the units."""
import pytest

import ckan.logic as logic
import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


@pytest.mark.req("R11.1")
class TestCodelists:
    def test_anyone_can_list_and_read_the_code_lists(self, app):
        names = app.get("/api/3/action/molisa_codelist_list").json["result"]
        assert "provinces" in names and "sectors" in names
        result = app.get("/api/3/action/molisa_codelist_show",
                         query_string={"id": "access_levels"}).json["result"]
        assert result["items"][0]["value"] == "open"
        assert result["items"][0]["label"] == {"vi": "Dữ liệu mở", "en": "Open data"}

    def test_an_unknown_list_is_a_validation_error_not_a_500(self, app):
        response = app.get("/api/3/action/molisa_codelist_show",
                           query_string={"id": "planets"}, status=409)
        assert response.json["error"]["__type"] == "Validation Error"
        assert "id" in response.json["error"]

    def test_a_missing_id_is_a_validation_error(self):
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action("molisa_codelist_show")
        assert "id" in e.value.error_dict


class TestUnitsSeed:
    def test_sysadmin_seeds_the_45_units_and_a_second_run_changes_nothing(self):
        admin = factories.Sysadmin()
        context = {"user": admin["name"]}
        first = helpers.call_action("molisa_units_seed", context=dict(context))
        assert len(first["created"]) == 45 and not first["updated"]
        org = helpers.call_action("organization_show", id="cuc-nguoi-co-cong")
        assert org["title"] == "Cục Người có công"
        assert org["title_en"] == "Department of Meritorious People"
        assert org["unit_type"] == "department"
        assert org["annex_number"] == "13"
        activities = helpers.call_action("organization_activity_list", id="cuc-nguoi-co-cong")
        second = helpers.call_action("molisa_units_seed", context=dict(context))
        assert second == {"created": [], "updated": [], "unchanged": first["created"]}
        assert len(helpers.call_action("organization_list", limit=1000)) == 45
        # nothing was written: no new activity on the unit
        assert helpers.call_action("organization_activity_list",
                                   id="cuc-nguoi-co-cong") == activities

    def test_a_unit_changed_by_hand_is_brought_back_in_line(self):
        admin = factories.Sysadmin()
        helpers.call_action("molisa_units_seed", context={"user": admin["name"]})
        helpers.call_action("organization_patch", context={"user": admin["name"]},
                            id="cuc-tre-em", title="Wrong title")
        result = helpers.call_action("molisa_units_seed", context={"user": admin["name"]})
        assert result["updated"] == ["cuc-tre-em"]
        assert helpers.call_action("organization_show", id="cuc-tre-em")["title"] == "Cục Trẻ em"

    def test_only_sysadmins_may_seed(self):
        user = factories.User()
        with pytest.raises(logic.NotAuthorized):
            helpers.call_action("molisa_units_seed", context={"user": user["name"],
                                                              "ignore_auth": False})
