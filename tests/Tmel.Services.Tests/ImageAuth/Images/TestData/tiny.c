/* A tiny program for the TSIM-MBN7 signing tests: code, read-only data and data segments.
   Freestanding (-nostdlib) it starts at _start; with -DTSIM_HOSTED it is an ordinary main for a plain gcc build. */
static volatile int counter = 3;
static const char message[] = "tsim";
int data_words[16] = {1, 2, 3};
#ifdef TSIM_HOSTED
int main(void) { counter += message[counter & 3] + data_words[0]; return 0; }
#else
void _start(void) { for (;;) { counter += message[counter & 3] + data_words[0]; } }
#endif
