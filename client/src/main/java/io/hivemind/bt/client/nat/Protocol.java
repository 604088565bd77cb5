package io.hivemind.bt.client.nat;

/** Transport protocol of a port mapping; the numbers are the IANA protocol numbers PCP uses. */
public enum Protocol {
    TCP(6),
    UDP(17);

    private final int ianaNumber;

    Protocol(int ianaNumber) {
        this.ianaNumber = ianaNumber;
    }

    /** IANA protocol number (6 or 17), as in PCP's MAP opcode. */
    public int ianaNumber() {
        return ianaNumber;
    }

    /** NAT-PMP opcode of a mapping request for this protocol: 1 UDP, 2 TCP (RFC 6886 §3.3). */
    public int natPmpOpcode() {
        return this == UDP ? 1 : 2;
    }
}
