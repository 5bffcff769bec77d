"""The seat map's projection and WKT reading."""

from __future__ import annotations

from publisher.web import seatmap


def test_wkt_points_read_as_longitude_latitude_with_or_without_crs():
    assert seatmap.parse_wkt_point("POINT(14.0323 50.6607)") == (14.0323, 50.6607)
    crs = "<http://www.opengis.net/def/crs/OGC/1.3/CRS84> POINT (9.18 48.77)"
    assert seatmap.parse_wkt_point(crs) == (9.18, 48.77)
    assert seatmap.parse_wkt_point("LINESTRING(1 2, 3 4)") is None


def test_projection_puts_west_left_and_north_up_inside_the_frame():
    stuttgart = seatmap.project(9.18, 48.78)
    bielsko = seatmap.project(19.06, 49.82)
    milan = seatmap.project(9.24, 45.54)
    assert stuttgart[0] < bielsko[0]
    assert milan[1] > stuttgart[1]
    for x, y in (stuttgart, bielsko, milan):
        assert 0 <= x <= seatmap.WIDTH and 0 <= y <= seatmap.HEIGHT


def test_seats_outside_the_frame_are_left_out():
    inside = seatmap.Seat("In", "/doc/a", 14.0, 50.0)
    outside = seatmap.Seat("Out", "/doc/b", -70.0, 40.0)
    drawn = seatmap.seat_map([inside, outside])
    assert [s.label for s in drawn["seats"]] == ["In"]
    assert seatmap.seat_map([outside]) is None
