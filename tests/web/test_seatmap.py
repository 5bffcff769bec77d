"""The seat map: projection, WKT reading, the view fitted to the seats, marker sizes."""

from __future__ import annotations

from publisher.web import seatmap
from publisher.web.seatmap import HEIGHT, MARGIN, MIN_SPAN, WIDTH, Seat, seat_map


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


def test_the_view_fits_the_seats_with_a_margin_and_stays_inside_the_outlines():
    usti = Seat(label="RRA ÚK", href="/a", lon=14.03, lat=50.66, number=1, short="RRA ÚK")
    legnica = Seat(label="ARLEG", href="/b", lon=16.16, lat=51.21, number=2)
    drawn = seat_map([legnica, usti])
    x, y, width, height = (float(v) for v in drawn["view"].split())
    for seat in (usti, legnica):
        sx, sy = seat.xy
        assert x + MARGIN <= sx + 0.1 and sx <= x + width - MARGIN + 0.1
        assert y <= sy <= y + height
    assert MIN_SPAN <= width < WIDTH / 2
    assert [seat.number for seat in drawn["seats"]] == [1, 2]
    alone = seat_map([Seat(label="Far", href="/f", lon=5.6, lat=54.9)])
    fx, fy, fw, fh = (float(v) for v in alone["view"].split())
    assert fx >= 0 and fy >= 0 and fx + fw <= WIDTH and fy + fh <= HEIGHT


def test_marker_sizes_shrink_with_the_view_and_the_unmapped_are_kept():
    seats = [Seat(label="A", href="/a", lon=14.0, lat=50.0)]
    near = seat_map(seats, [{"label": "B", "url": "/b", "number": 4}])
    wide = seat_map(seats + [Seat(label="C", href="/c", lon=24.0, lat=44.0)])
    assert near["radius"] < wide["radius"]
    assert near["unmapped"] == [{"label": "B", "url": "/b", "number": 4}]
