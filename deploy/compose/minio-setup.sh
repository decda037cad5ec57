#!/bin/sh
# The one-shot minio-setup service of docker-compose.yml (image minio/mc): creates the bucket
# S3_BUCKET and an access key S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY that may read, write,
# list and delete objects in that bucket only; InterviewAce uses that key, never MinIO's root
# account. Safe to run again: an existing bucket, user or policy is kept or updated.
set -eu

: "${MINIO_ROOT_USER:?}" "${MINIO_ROOT_PASSWORD:?}" "${S3_BUCKET:?}"
: "${S3_ACCESS_KEY_ID:?}" "${S3_SECRET_ACCESS_KEY:?}"
ENDPOINT=${MINIO_ENDPOINT:-http://minio:9000}
POLICY=interviewace-files

mc alias set local "$ENDPOINT" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null
mc mb --ignore-existing "local/$S3_BUCKET"

policy_file=$(mktemp)
trap 'rm -f "$policy_file"' EXIT
cat >"$policy_file" <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
      "Resource": ["arn:aws:s3:::$S3_BUCKET"]
    },
    {
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject",
                 "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
      "Resource": ["arn:aws:s3:::$S3_BUCKET/*"]
    }
  ]
}
EOF
mc admin policy create local "$POLICY" "$policy_file"
mc admin user add local "$S3_ACCESS_KEY_ID" "$S3_SECRET_ACCESS_KEY"

# Attaching a policy that is attached already is refused; that is the state we want.
if ! out=$(mc admin policy attach local "$POLICY" --user "$S3_ACCESS_KEY_ID" 2>&1); then
  case "$out" in
    *already*) ;;
    *)
      echo "$out" >&2
      exit 1
      ;;
  esac
fi
echo "minio-setup: bucket $S3_BUCKET and access key $S3_ACCESS_KEY_ID ready"
