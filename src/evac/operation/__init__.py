"""Operations: country, airport, deadline, time zone (sites, gates, sorties and hubs later)."""
