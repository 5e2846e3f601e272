"""`--engine spark`: the same engine per partition of persons, on Parquet, in Spark's local mode."""
import pyarrow.parquet as pq
import pytest

from assistant.screening import settle_table
from assistant.screening.synthetic import generate

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark():
    from assistant.screening.spark import local_session
    session = local_session(2, app="sanchong-test")
    yield session
    session.stop()


def test_spark_gives_the_same_table_as_one_machine(spark, tmp_path):
    from assistant.screening.spark import screen_parquet_spark
    visits = generate(1500, seed=77, max_visits=6, invalid_share=0.01)  # both packs, ties on dates, refusals
    pq.write_table(visits, tmp_path / "visits.parquet", row_group_size=700)  # persons cut across row groups
    screen_parquet_spark(tmp_path / "visits.parquet", tmp_path / "out", spark, partitions=3)
    got = pq.read_table(tmp_path / "out").sort_by([("person", "ascending"), ("year", "ascending")])
    want = settle_table(visits)
    assert got.schema == want.schema
    assert got.num_rows == want.num_rows == 1500
    differing = [name for name in want.column_names if not got.column(name).equals(want.column(name))]
    assert not differing
    assert want.column("error").null_count < 1500  # the roster has refused person-years, and they match too


def test_screen_with_the_spark_engine_gives_the_core_rows(spark):
    from assistant.roster.screen import screen
    from test_columnar_screen import _members
    members = _members(300, seed=31)
    assert screen(members, policy="bayannur-2023", engine="spark", spark=spark) == \
        screen(members, policy="bayannur-2023", engine="core", workers=1)
