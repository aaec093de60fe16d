/*
 * apps_peer: the APPS side of a TME-L QMP link in C, against `tmel simulator --dir DIR`.
 *
 * Uses only what docs/attach-a-peer.md (contract version 1) promises: mmap of DIR/S/window,
 * one Unix datagram socket (bound at DIR/S/client.sock, rings DIR/S/tmel.sock), and the
 * RFC's descriptor bits. It brings the link up, opens the channel, sends a raw TMELCOM
 * SS_TEAR_DOWN (UID 0x000A) at rpmsg address 0 exactly as the RFC driver does (reserved
 * word 0), prints the reply and the services the TME-L announced, and closes.
 *
 * usage: apps_peer DIR [SUBSYSTEM [SW_ID]]     exit 0 when the reply came back, 1 otherwise
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define WINDOW_SIZE 0x2000
#define OWN_MAILBOX 0x0000  /* APPS ("mcore") */
#define PEER_MAILBOX 0x1000 /* TME-L ("ucore") */

/* Descriptor bits, LSB first (qmp-rfc.md section 2). */
#define LINK_STATE 0x01u
#define LINK_STATE_ACK 0x02u
#define CH_STATE 0x04u
#define CH_STATE_ACK 0x08u
#define TX 0x10u
#define TX_ACK 0x20u
#define RX_DONE 0x40u
#define RX_DONE_ACK 0x80u
#define FRAG_SIZE(d) (((d) >> 16) & 0xFFu)
#define REM_FRAGS(d) (((d) >> 24) & 0xFFu)
#define CONTINUATION 0xFFFFFFFFu
#define NAME_SERVICE 53u

static uint8_t *window;
static int doorbell = -1;
static struct sockaddr_un tmel_address;
static uint32_t own;              /* our descriptor, as last written */
static uint8_t rx[64];            /* a name-service announcement being reassembled */
static size_t rx_length;
static uint32_t rx_reserved;
static int have_reply;
static int announced;               /* name-service announcements taken so far */
static int delivered;              /* the TME-L flipped rx_done for our request */
static uint8_t reply[24];

static uint32_t peer_descriptor(void)
{
    /* The descriptor first, with acquire semantics: the payload read after it is the one it describes. */
    return __atomic_load_n((uint32_t *)(window + PEER_MAILBOX), __ATOMIC_ACQUIRE);
}

static void ring(void)
{
    /* One datagram rings the TME-L; if nobody is bound the ring is dropped, as the contract says. */
    (void)sendto(doorbell, "", 1, MSG_DONTWAIT, (struct sockaddr *)&tmel_address, sizeof tmel_address);
}

/* Writes bytes 4..31 (when given) first, then the descriptor with release semantics, then rings. */
static void write_own(const uint8_t payload[24], uint32_t reserved)
{
    if (payload != NULL) {
        memcpy(window + OWN_MAILBOX + 4, payload, 24);
        memcpy(window + OWN_MAILBOX + 28, &reserved, 4); /* little-endian host */
    }
    __atomic_store_n((uint32_t *)(window + OWN_MAILBOX), own, __ATOMIC_RELEASE);
    ring();
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

/* Blocks until a ring arrives or 50 ms pass; the caller re-reads the descriptor either way. */
static void wait_ring(void)
{
    char datagram[64];
    (void)recv(doorbell, datagram, sizeof datagram, 0);
}

static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

/* Takes a fragment the TME-L put in its mailbox, if there is a new one; returns 1 if it took one. */
static int take_fragment(void)
{
    uint32_t peer = peer_descriptor();
    if (!(own & CH_STATE_ACK) || ((peer & TX) != 0) == ((own & TX_ACK) != 0))
        return 0;

    uint8_t mailbox[32];
    memcpy(mailbox, window + PEER_MAILBOX, sizeof mailbox);
    uint32_t size = FRAG_SIZE(peer), remaining = REM_FRAGS(peer), reserved = le32(mailbox + 28);
    if (size > 24)
        size = 24; /* a bad size: take nothing of it */
    if (reserved != CONTINUATION) {
        rx_length = 0;
        rx_reserved = reserved;
    }
    if (rx_length + size <= sizeof rx) {
        memcpy(rx + rx_length, mailbox + 4, size);
        rx_length += size;
    }

    own = (own & ~TX_ACK) | ((peer & TX) ? TX_ACK : 0); /* taken */
    if (remaining == 0) {
        own ^= RX_DONE; /* consumed: the whole message */
        if (rx_reserved == 0 && rx_length == 24) {
            memcpy(reply, rx, 24); /* address 0: the RFC's raw TMELCOM reply */
            have_reply = 1;
        } else if ((rx_reserved >> 16) == NAME_SERVICE && rx_length == 40) {
            char name[33] = {0};
            memcpy(name, rx, 32);
            printf("announced: %s at %u (%s)\n", name, le32(rx + 32), le32(rx + 36) ? "destroy" : "create");
            announced++;
        } else {
            printf("ignored: an rpmsg message of %zu B from %u to %u\n", rx_length, rx_reserved & 0xFFFFu, rx_reserved >> 16);
        }
    }
    write_own(NULL, 0);
    return 1;
}

/* Waits (taking fragments meanwhile) until done() holds, for at most timeout_ms. */
static int wait_until(int (*done)(void), double timeout_ms)
{
    double deadline = now_ms() + timeout_ms;
    while (!done()) {
        if (now_ms() > deadline)
            return 0;
        if (!take_fragment())
            wait_ring();
    }
    return 1;
}

static int two_announced(void) { return announced >= 2; }
static int peer_link_ack_clear(void) { return !(peer_descriptor() & LINK_STATE_ACK); }
static int peer_link_up(void) { return (peer_descriptor() & LINK_STATE) != 0; }
static int peer_channel_open(void) { uint32_t p = peer_descriptor(); return (p & CH_STATE) && (p & CH_STATE_ACK); }
static int peer_channel_closed(void) { return !(peer_descriptor() & CH_STATE_ACK); }
static int reply_and_delivered(void)
{
    uint32_t p = peer_descriptor();
    if (((p & RX_DONE) != 0) != ((own & RX_DONE_ACK) != 0)) {
        own = (own & ~RX_DONE_ACK) | ((p & RX_DONE) ? RX_DONE_ACK : 0); /* consumed; the ack rides with our next write */
        delivered = 1;
    }
    return have_reply && delivered;
}

static int peer_saw_our_rx_done(void)
{
    return ((peer_descriptor() & RX_DONE_ACK) != 0) == ((own & RX_DONE) != 0);
}

static int fail(const char *what)
{
    fprintf(stderr, "apps_peer: %s\n", what);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return fail("usage: apps_peer DIR [SUBSYSTEM [SW_ID]]");
    const char *dir = argv[1];
    const char *subsystem = argc > 2 ? argv[2] : "apps";
    uint32_t sw_id = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 0) : 0x0D;
    char path[256], own_socket[108];
    setvbuf(stdout, NULL, _IOLBF, 0);

    /* The layout: contract version 1 fixes the file names below; check the version before using them. */
    snprintf(path, sizeof path, "%s/layout.json", dir);
    FILE *layout = fopen(path, "r");
    if (layout == NULL)
        return fail("no layout.json: is `tmel simulator --dir DIR` running?");
    char text[8192] = {0};
    size_t read_bytes = fread(text, 1, sizeof text - 1, layout);
    fclose(layout);
    if (read_bytes == 0 || strstr(text, "\"version\": 1,") == NULL)
        return fail("layout.json is not contract version 1");

    /* One client per subsystem: hold its lock. */
    snprintf(path, sizeof path, "%s/%s/client.lock", dir, subsystem);
    int lock = open(path, O_RDWR | O_CREAT, 0644);
    if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB) != 0)
        return fail("another client holds the subsystem's client.lock");

    snprintf(path, sizeof path, "%s/%s/window", dir, subsystem);
    int fd = open(path, O_RDWR);
    if (fd < 0 || lseek(fd, 0, SEEK_END) != WINDOW_SIZE)
        return fail("the window is missing or not 0x2000 bytes");
    window = mmap(NULL, WINDOW_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (window == MAP_FAILED)
        return fail("mmap of the window failed");

    doorbell = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un own_address = {.sun_family = AF_UNIX};
    if (snprintf(own_socket, sizeof own_socket, "%s/%s/client.sock", dir, subsystem) >= (int)sizeof own_socket)
        return fail("the directory's path is too long for a Unix socket");
    strcpy(own_address.sun_path, own_socket);
    unlink(own_socket);
    if (bind(doorbell, (struct sockaddr *)&own_address, sizeof own_address) != 0)
        return fail("cannot bind client.sock");
    struct timeval slice = {.tv_sec = 0, .tv_usec = 50000};
    setsockopt(doorbell, SOL_SOCKET, SO_RCVTIMEO, &slice, sizeof slice);
    tmel_address.sun_family = AF_UNIX;
    snprintf(tmel_address.sun_path, sizeof tmel_address.sun_path, "%s/%s/tmel.sock", dir, subsystem);

    /* A reset first (all zero), so a TME-L that served an earlier client starts over; then the RFC's bring-up. */
    own = 0;
    write_own((const uint8_t[24]){0}, 0);
    if (!wait_until(peer_link_ack_clear, 1000))
        return fail("the TME-L did not see the reset");
    own = LINK_STATE; /* section 8 row 1: 0x00000001 */
    write_own(NULL, 0);
    if (!wait_until(peer_link_up, 1000))
        return fail("link: the TME-L did not raise link_state within 1000 ms");
    printf("link up: TME-L wrote 0x%08X\n", peer_descriptor());

    own = LINK_STATE | LINK_STATE_ACK | CH_STATE; /* rows 3-4: 0x00000007 */
    write_own(NULL, 0);
    if (!wait_until(peer_channel_open, 1000))
        return fail("channel: the TME-L did not open within 1000 ms");
    uint32_t peer = peer_descriptor();
    own |= CH_STATE_ACK; /* row 6: 0x0000000F; the peer's toggles so far are the baseline */
    own = (own & ~(TX_ACK | RX_DONE_ACK)) | ((peer & TX) ? TX_ACK : 0) | ((peer & RX_DONE) ? RX_DONE_ACK : 0);
    write_own(NULL, 0);
    printf("channel open: APPS 0x%08X, TME-L 0x%08X\n", own, peer);

    /* SS_TEAR_DOWN at address 0, inline (qmp-rfc.md section 8): byte0 = 12 << 1, msg_type 0x00, action 0x0A,
       then sw_id, secondary_sw_id 0, status pre-set to 1. */
    uint8_t packet[24] = {0x18, 0x00, 0x0A, 0x00};
    uint32_t words[3] = {sw_id, 0, 1};
    memcpy(packet + 4, words, sizeof words);
    own ^= TX;
    own = (own & 0x0000FFFFu) | (24u << 16); /* frag_size 24, rem_frag_count 0 */
    write_own(packet, 0);                    /* reserved word 0: the RFC driver never writes it */
    printf("sent: SS_TEAR_DOWN sw_id 0x%X at address 0, APPS 0x%08X\n", sw_id, own);
    if (!wait_until(reply_and_delivered, 5000))
        return fail("no reply to SS_TEAR_DOWN within 5000 ms");

    printf("reply:");
    for (int i = 0; i < 24; i++)
        printf(" %02X", reply[i]);
    printf("\nreply: uid 0x%02X%02X response %d status %u\n", reply[1], reply[2], (int8_t)reply[3], le32(reply + 12));

    /* The TME-L announces its services on its own schedule, possibly after the reply: take the first two (bounded). */
    (void)wait_until(two_announced, 5000);

    /* Let the TME-L see that we consumed its reply (its rx_done_ack) before closing, or it cannot tell whether the
       reply arrived. Then close the channel (local close), wait for the ack, and take the link down. */
    (void)wait_until(peer_saw_our_rx_done, 1000);
    own &= ~CH_STATE;
    write_own(NULL, 0);
    int closed = wait_until(peer_channel_closed, 1000);
    own = 0;
    write_own(NULL, 0);
    printf("closed: %s\n", closed ? "the TME-L acknowledged; link down" : "no acknowledgement within 1000 ms; link down");

    munmap(window, WINDOW_SIZE);
    close(doorbell);
    unlink(own_socket);
    close(lock);
    return 0;
}
