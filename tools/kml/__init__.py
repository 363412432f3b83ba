"""Host side of the KML VM harness: guest images, QEMU runs, console checks."""
