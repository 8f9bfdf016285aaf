"""Operations: country, airport and deadline; its sites and gates, aircraft types, sorties
and transit hubs."""
