"""Thumbnails of images posted in rooms, made once on upload with Pillow.

A file that claims an image type must decode as that format, fully (a renamed script or a
truncated file is refused with a field error). Before any pixel is decoded its declared size is
held against WEBNET_ATTACHMENT_MAX_PIXELS: a decompression bomb is a small file whose header
promises gigapixels. Pillow's own guard (Image.MAX_IMAGE_PIXELS, which refuses past twice its
value in every decoder) is set to the same limit, so a size that grows after the header is
stopped too.
"""

from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps

FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}
BOX = (320, 320)
THUMBNAIL_TYPE = "image/webp"

Image.MAX_IMAGE_PIXELS = settings.WEBNET_ATTACHMENT_MAX_PIXELS


def _too_large(limit: int) -> ValidationError:
    return ValidationError({"file": f"Images may have at most {limit:,} pixels."})


def make_thumbnail(upload: UploadedFile, content_type: str) -> ContentFile | None:
    """A WebP at most BOX in size of an image upload (None for other types); ValidationError
    for an image that does not decode or has more pixels than allowed."""
    image_format = FORMATS.get(content_type)
    if image_format is None:
        return None
    limit = settings.WEBNET_ATTACHMENT_MAX_PIXELS
    upload.seek(0)
    try:
        with Image.open(upload, formats=[image_format]) as image:  # the header only, so far
            if image.width * image.height > limit:
                raise _too_large(limit)
            image.thumbnail(BOX)  # decodes every pixel (of the first frame)
            small = ImageOps.exif_transpose(image)
            alpha = "A" in small.getbands() or "transparency" in small.info
            small = small.convert("RGBA" if alpha else "RGB")
    except Image.DecompressionBombError as exc:
        raise _too_large(limit) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:  # what Pillow's decoders raise
        raise ValidationError(
            {"file": "This file is not a readable image of the type it claims."}
        ) from exc
    finally:
        upload.seek(0)
    out = BytesIO()
    small.save(out, format="WEBP", quality=80)
    return ContentFile(out.getvalue(), name="thumbnail.webp")
