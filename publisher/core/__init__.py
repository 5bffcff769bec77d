"""The ground floor: settings, the IRI and URL scheme, generations, progress."""
