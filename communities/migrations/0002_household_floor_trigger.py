"""A dwelling's floor must lie within its stairwell's floors. The rule spans two tables, so a
CHECK constraint cannot hold it; these triggers do, whatever writes the rows (forms, imports,
bulk COPY, raw SQL). They raise check_violation, which Django reports as an IntegrityError."""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION communities_household_floor_check() RETURNS trigger AS $$
DECLARE max_floors integer;
BEGIN
    SELECT floors INTO max_floors FROM communities_stairwell WHERE id = NEW.stairwell_id;
    IF NEW.floor > max_floors THEN
        RAISE EXCEPTION 'household floor % is above its stairwell''s % floors', NEW.floor, max_floors
            USING ERRCODE = 'check_violation', CONSTRAINT = 'communities_household_floor_within_stairwell';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER communities_household_floor_check
    BEFORE INSERT OR UPDATE OF floor, stairwell_id ON communities_household
    FOR EACH ROW EXECUTE FUNCTION communities_household_floor_check();

CREATE OR REPLACE FUNCTION communities_stairwell_floors_check() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM communities_household WHERE stairwell_id = NEW.id AND floor > NEW.floors) THEN
        RAISE EXCEPTION 'stairwell % has dwellings above floor %', NEW.id, NEW.floors
            USING ERRCODE = 'check_violation', CONSTRAINT = 'communities_household_floor_within_stairwell';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER communities_stairwell_floors_check
    BEFORE UPDATE OF floors ON communities_stairwell
    FOR EACH ROW EXECUTE FUNCTION communities_stairwell_floors_check();
"""

REVERSE = """
DROP TRIGGER IF EXISTS communities_stairwell_floors_check ON communities_stairwell;
DROP FUNCTION IF EXISTS communities_stairwell_floors_check();
DROP TRIGGER IF EXISTS communities_household_floor_check ON communities_household;
DROP FUNCTION IF EXISTS communities_household_floor_check();
"""


class Migration(migrations.Migration):
    dependencies = [("communities", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
