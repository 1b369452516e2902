/* Keyword spotting on a Cortex-M board with two tinycc libraries: the audio front end ("audio",
   TFLite Micro's audio_preprocessor_int8: 30 ms of samples in, 40 int8 features out, a noise
   estimate kept from one window to the next) and the classifier ("kws", micro_speech_quantized:
   49x40 features in, the scores of silence, unknown, yes and no out).

   micro_speech.elf [IN.wav [OUT.bin]]   (default input.wav, output.bin)

   It reads a 16 kHz mono 16-bit PCM WAV window by window (480 samples, a stride of 320: 20 ms),
   runs the front end on each after one reset, puts its 40 features in the window's row of the
   classifier's input, runs the classifier, prints the scores and the top label, and writes the
   features (49x40 int8) and then the scores (4 int8) to OUT.bin. Plain C99, also valid C++. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "audio/model.h"
#include "kws/model.h"

#define SAMPLE_RATE 16000
#define WINDOW (AUDIO_INPUT_BYTES / 2)                  /* int16 samples per front-end run: 480 */
#define STRIDE 320                                      /* 20 ms */
#define FEATURES AUDIO_OUTPUT_BYTES                     /* int8 features per window: 40 */
#define WINDOWS (KWS_INPUT_BYTES / AUDIO_OUTPUT_BYTES)  /* 49 */

/* what the two models must be for this program (a compile error otherwise) */
#define MODELS_FIT (sizeof(AUDIO_INPUT_TYPE) == 2 && sizeof(AUDIO_OUTPUT_TYPE) == 1 && AUDIO_HAS_STATE && \
                    !AUDIO_STATE_IN_ARENA && !KWS_STATE_IN_ARENA && KWS_INPUT_BYTES % AUDIO_OUTPUT_BYTES == 0 && \
                    KWS_OUTPUT_BYTES == 4 && WINDOW > STRIDE)
typedef char need_an_int16_to_int8_front_end_with_its_state_apart_and_4_scores[MODELS_FIT ? 1 : -1];

static const char *const labels[KWS_OUTPUT_BYTES] = {"silence", "unknown", "yes", "no"};

/* one arena for both models: neither keeps anything in it between invokes (the front end's state,
   its noise estimate, is kept in its library: tinycc compile --state-apart) */
#define MAX(a, b) ((a) > (b) ? (a) : (b))
static uint8_t arena[MAX(AUDIO_ARENA_SIZE, KWS_ARENA_SIZE)] __attribute__((aligned(MAX(AUDIO_ARENA_ALIGN,
                                                                                        KWS_ARENA_ALIGN))));
static int8_t features[WINDOWS * FEATURES];
static int8_t scores[KWS_OUTPUT_BYTES];

static uint32_t le(const uint8_t *p, int n)
{
  uint32_t v = 0;
  while (n--)
    v = v << 8 | p[n];
  return v;
}

/* Positions f after the header of a 16 kHz mono 16-bit PCM WAV's 'data' chunk; its bytes, or -1
   (with a message) if it is not one. */
static long wav_data(FILE *f, const char *path)
{
  uint8_t h[16];
  int fmt_ok = 0;
  if (fread(h, 1, 12, f) != 12 || memcmp(h, "RIFF", 4) != 0 || memcmp(h + 8, "WAVE", 4) != 0) {
    fprintf(stderr, "%s: not a RIFF/WAVE file\n", path);
    return -1;
  }
  while (fread(h, 1, 8, f) == 8) {
    uint32_t size = le(h + 4, 4);
    if (memcmp(h, "fmt ", 4) == 0) {
      uint32_t format, channels, rate, bits;
      if (size < 16 || fread(h, 1, 16, f) != 16) {
        fprintf(stderr, "%s: a short 'fmt ' chunk\n", path);
        return -1;
      }
      format = le(h, 2), channels = le(h + 2, 2), rate = le(h + 4, 4), bits = le(h + 14, 2);
      if (format != 1 || channels != 1 || rate != SAMPLE_RATE || bits != 16) {
        fprintf(stderr, "%s: format %lu, %lu channel(s), %lu Hz, %lu bits; want PCM (format 1), mono, %d Hz, "
                "16 bits\n", path, (unsigned long)format, (unsigned long)channels, (unsigned long)rate,
                (unsigned long)bits, SAMPLE_RATE);
        return -1;
      }
      fmt_ok = 1;
      size -= 16;
    } else if (memcmp(h, "data", 4) == 0) {
      if (!fmt_ok) {
        fprintf(stderr, "%s: a 'data' chunk before the 'fmt ' chunk\n", path);
        return -1;
      }
      return (long)size;
    }
    if (fseek(f, (long)(size + (size & 1)), SEEK_CUR) != 0) /* chunks are padded to an even size */
      break;
  }
  fprintf(stderr, "%s: no 'data' chunk\n", path);
  return -1;
}

/* Reads n little-endian int16 samples into s; whether all were there. */
static int read_samples(FILE *f, int16_t *s, int n)
{
  uint8_t b[2];
  int k;
  for (k = 0; k < n; k++) {
    if (fread(b, 1, 2, f) != 2)
      return 0;
    s[k] = (int16_t)le(b, 2);
  }
  return 1;
}

int main(int argc, char **argv)
{
  const char *in_path = argc > 1 ? argv[1] : "input.wav";
  const char *out_path = argc > 2 ? argv[2] : "output.bin";
  int16_t window[WINDOW];
  FILE *f = fopen(in_path, "rb");
  long bytes = f ? wav_data(f, in_path) : -1;
  int k, top = 0;
  if (!f)
    fprintf(stderr, "cannot open %s\n", in_path);
  if (bytes < 0)
    return 2;
  if (bytes < 2L * (WINDOW + (WINDOWS - 1) * STRIDE) || !read_samples(f, window, WINDOW - STRIDE)) {
    fprintf(stderr, "%s: %ld samples; %d windows of %d samples %d apart need %d\n", in_path, bytes / 2, WINDOWS,
            WINDOW, STRIDE, WINDOW + (WINDOWS - 1) * STRIDE);
    return 2;
  }
  audio_reset(arena);
  for (k = 0; k < WINDOWS; k++) {
    /* the window: the last WINDOW - STRIDE samples of the one before, then STRIDE new ones */
    if (k > 0)
      memmove(window, window + STRIDE, (WINDOW - STRIDE) * sizeof window[0]);
    if (!read_samples(f, window + WINDOW - STRIDE, STRIDE)) {
      fprintf(stderr, "%s: short read in window %d\n", in_path, k);
      return 2;
    }
    audio_invoke(window, features + k * FEATURES, arena);
  }
  fclose(f);
  kws_invoke(features, scores, arena);

  printf("%s: %d windows of %d samples (stride %d), %d features each\n", in_path, WINDOWS, WINDOW, STRIDE,
         FEATURES);
  for (k = 0; k < KWS_OUTPUT_BYTES; k++) {
    printf("  %-8s %4d\n", labels[k], scores[k]);
    if (scores[k] > scores[top])
      top = k;
  }
  printf("keyword: %s\n", labels[top]);

  f = fopen(out_path, "wb");
  if (!f || fwrite(features, 1, sizeof features, f) != sizeof features ||
      fwrite(scores, 1, sizeof scores, f) != sizeof scores || fclose(f) != 0) {
    fprintf(stderr, "cannot write %s\n", out_path);
    return 2;
  }
  return 0;
}
