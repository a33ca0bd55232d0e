/**
 * The images a `check` reads before it judges its input, as its settings say: the image map's
 * (`--images`, or the config's `images`), then in `registry` mode the registries' for the
 * verdicts that need them. `check` and `check --fix` both read them here, so that the verdicts
 * are the same and both reports list the same `images`: each pull, and each image of the map
 * that could not be read, failed as a failed pull is.
 */
import type { CheckSettings } from './check-command';
import type { ImagesRead } from '../check/check-run';
import { readImagesOf } from '../check/check-run';
import { imageFactsLookup } from '../check/image-facts-mode';
import type { ParsedInput } from '../check/parsed-input';
import { failedImageReport, loadImages } from '../image/image-map';
import { DEFAULT_PLATFORM } from '../image/registry/pull-image';
import type { ImagePullReport } from '../image/registry/registry-facts';
import type { ImageFactsLookup } from '../model/image-facts';

/**
 * Reads the images the verdicts of `input` depend on, as `settings` say, on `platform` when given
 * (`--platform`): the model's final lookup, how each image was read (the map's failures first,
 * then the pulls), and the pods' analyses that reading changed nothing for.
 * `onImage` follows the pulls (the progress line).
 * @throws InputChangedError when a file read twice changed in between
 */
export async function readCheckImages(
  input: ParsedInput,
  settings: CheckSettings,
  platform: string | undefined,
  onImage?: (done: number, total: number, pull: ImagePullReport) => void,
): Promise<ImagesRead> {
  let known: ImageFactsLookup | undefined;
  let mapImages: ImagePullReport[] = [];
  if (settings.imageMap !== undefined && settings.imageMap.entries.length > 0) {
    const loaded = await loadImages(settings.imageMap.entries, { platform });
    known = loaded.lookup;
    // An image of the map that cannot be read is the lookup's answer for its containers (their
    // verdicts unknown with its reason: LP002) and a failed image of the report, as a failed pull is.
    mapImages = loaded.errors.map((error) => failedImageReport(error, platform ?? DEFAULT_PLATFORM));
  }
  const { mode, registry } = settings.imageFacts;
  if (mode !== 'registry') return { lookup: lookupWithoutRegistries(settings, platform, known), images: mapImages, reusable: new Map() };
  const read = await readImagesOf(input, settings.options, { known, platform, registry: { ...registry, onImage } });
  return { ...read, images: [...mapImages, ...read.images] };
}

/**
 * The model's lookup of a check that reads no registry (`--image-facts offline` or
 * `assume-none`): the image map's answers (`known`) first, when there is one, then the mode's.
 */
export function lookupWithoutRegistries(
  settings: CheckSettings,
  platform: string | undefined,
  known?: ImageFactsLookup,
): ImageFactsLookup | undefined {
  return imageFactsLookup(settings.imageFacts.mode, known, new Map(), platform);
}
